/* ippyo — values handed out by IppyoChainClient (see ippyo-chain-types.h). */
#include "net/ippyo-chain-types-private.h"

#include <string.h>

struct _IppyoSignedCheckpoint {
	gatomicrefcount ref;
	GBytes *note;
	char *origin;
	guint64 size;
	guint8 root[IPPYO_CHAIN_HASH_BYTES];
};

G_DEFINE_BOXED_TYPE(IppyoSignedCheckpoint, ippyo_signed_checkpoint,
    ippyo_signed_checkpoint_ref, ippyo_signed_checkpoint_unref)

IppyoSignedCheckpoint *
_ippyo_signed_checkpoint_new(GBytes *note, const char *origin, guint64 size,
    const guint8 root[IPPYO_CHAIN_HASH_BYTES])
{
	IppyoSignedCheckpoint *cp = g_new0(IppyoSignedCheckpoint, 1);

	g_atomic_ref_count_init(&cp->ref);
	cp->note = g_bytes_ref(note);
	cp->origin = g_strdup(origin);
	cp->size = size;
	memcpy(cp->root, root, IPPYO_CHAIN_HASH_BYTES);
	return cp;
}

IppyoSignedCheckpoint *
ippyo_signed_checkpoint_ref(IppyoSignedCheckpoint *cp)
{
	g_return_val_if_fail(cp != NULL, NULL);
	g_atomic_ref_count_inc(&cp->ref);
	return cp;
}

void
ippyo_signed_checkpoint_unref(IppyoSignedCheckpoint *cp)
{
	if (cp == NULL || !g_atomic_ref_count_dec(&cp->ref))
		return;
	g_bytes_unref(cp->note);
	g_free(cp->origin);
	g_free(cp);
}

GBytes *
ippyo_signed_checkpoint_get_note(IppyoSignedCheckpoint *cp)
{
	return cp->note;
}

const char *
ippyo_signed_checkpoint_get_origin(IppyoSignedCheckpoint *cp)
{
	return cp->origin;
}

guint64
ippyo_signed_checkpoint_get_size(IppyoSignedCheckpoint *cp)
{
	return cp->size;
}

const guint8 *
ippyo_signed_checkpoint_get_root(IppyoSignedCheckpoint *cp)
{
	return cp->root;
}

gboolean
ippyo_signed_checkpoint_same_tree(IppyoSignedCheckpoint *a, IppyoSignedCheckpoint *b)
{
	return a->size == b->size && memcmp(a->root, b->root, IPPYO_CHAIN_HASH_BYTES) == 0;
}

struct _IppyoForkEvidence {
	gatomicrefcount ref;
	IppyoSignedCheckpoint *held;
	IppyoSignedCheckpoint *served;
	char *reason;
};

G_DEFINE_BOXED_TYPE(IppyoForkEvidence, ippyo_fork_evidence,
    ippyo_fork_evidence_ref, ippyo_fork_evidence_unref)

IppyoForkEvidence *
_ippyo_fork_evidence_new(IppyoSignedCheckpoint *held, IppyoSignedCheckpoint *served,
    const char *reason)
{
	IppyoForkEvidence *ev = g_new0(IppyoForkEvidence, 1);

	g_atomic_ref_count_init(&ev->ref);
	ev->held = ippyo_signed_checkpoint_ref(held);
	ev->served = ippyo_signed_checkpoint_ref(served);
	ev->reason = g_strdup(reason);
	return ev;
}

IppyoForkEvidence *
ippyo_fork_evidence_ref(IppyoForkEvidence *ev)
{
	g_return_val_if_fail(ev != NULL, NULL);
	g_atomic_ref_count_inc(&ev->ref);
	return ev;
}

void
ippyo_fork_evidence_unref(IppyoForkEvidence *ev)
{
	if (ev == NULL || !g_atomic_ref_count_dec(&ev->ref))
		return;
	ippyo_signed_checkpoint_unref(ev->held);
	ippyo_signed_checkpoint_unref(ev->served);
	g_free(ev->reason);
	g_free(ev);
}

IppyoSignedCheckpoint *
ippyo_fork_evidence_get_held(IppyoForkEvidence *ev)
{
	return ev->held;
}

IppyoSignedCheckpoint *
ippyo_fork_evidence_get_served(IppyoForkEvidence *ev)
{
	return ev->served;
}

const char *
ippyo_fork_evidence_get_reason(IppyoForkEvidence *ev)
{
	return ev->reason;
}

GBytes *
ippyo_fork_evidence_to_text(IppyoForkEvidence *ev)
{
	GString *s = g_string_new(NULL);
	gsize len;
	const char *p;

	g_string_append_printf(s, "-- held %" G_GUINT64_FORMAT "\n", ev->held->size);
	p = g_bytes_get_data(ev->held->note, &len);
	g_string_append_len(s, p, (gssize)len);
	g_string_append_printf(s, "-- served %" G_GUINT64_FORMAT "\n", ev->served->size);
	p = g_bytes_get_data(ev->served->note, &len);
	g_string_append_len(s, p, (gssize)len);
	return g_string_free_to_bytes(s);
}

struct _IppyoChainReceipt {
	gatomicrefcount ref;
	guint64 index;
	guint8 leaf_hash[IPPYO_CHAIN_HASH_BYTES];
	GBytes *proof;
	IppyoSignedCheckpoint *checkpoint;
	gboolean duplicate;
	guint attempts;
};

G_DEFINE_BOXED_TYPE(IppyoChainReceipt, ippyo_chain_receipt,
    ippyo_chain_receipt_ref, ippyo_chain_receipt_unref)

IppyoChainReceipt *
_ippyo_chain_receipt_new(guint64 index, const guint8 leaf_hash[IPPYO_CHAIN_HASH_BYTES],
    GBytes *proof, IppyoSignedCheckpoint *checkpoint, gboolean duplicate, guint attempts)
{
	IppyoChainReceipt *r = g_new0(IppyoChainReceipt, 1);

	g_atomic_ref_count_init(&r->ref);
	r->index = index;
	memcpy(r->leaf_hash, leaf_hash, IPPYO_CHAIN_HASH_BYTES);
	r->proof = g_bytes_ref(proof);
	r->checkpoint = ippyo_signed_checkpoint_ref(checkpoint);
	r->duplicate = duplicate;
	r->attempts = attempts;
	return r;
}

IppyoChainReceipt *
ippyo_chain_receipt_ref(IppyoChainReceipt *r)
{
	g_return_val_if_fail(r != NULL, NULL);
	g_atomic_ref_count_inc(&r->ref);
	return r;
}

void
ippyo_chain_receipt_unref(IppyoChainReceipt *r)
{
	if (r == NULL || !g_atomic_ref_count_dec(&r->ref))
		return;
	g_bytes_unref(r->proof);
	ippyo_signed_checkpoint_unref(r->checkpoint);
	g_free(r);
}

guint64
ippyo_chain_receipt_get_index(IppyoChainReceipt *r)
{
	return r->index;
}

const guint8 *
ippyo_chain_receipt_get_leaf_hash(IppyoChainReceipt *r)
{
	return r->leaf_hash;
}

GBytes *
ippyo_chain_receipt_get_proof(IppyoChainReceipt *r)
{
	return r->proof;
}

IppyoSignedCheckpoint *
ippyo_chain_receipt_get_checkpoint(IppyoChainReceipt *r)
{
	return r->checkpoint;
}

gboolean
ippyo_chain_receipt_get_duplicate(IppyoChainReceipt *r)
{
	return r->duplicate;
}

guint
ippyo_chain_receipt_get_attempts(IppyoChainReceipt *r)
{
	return r->attempts;
}

struct _IppyoChainStatus {
	gatomicrefcount ref;
	char *origin;
	char *election_id;
	guint64 size;
	gboolean closed;
	guint64 pending;
	guint64 inflight;
};

G_DEFINE_BOXED_TYPE(IppyoChainStatus, ippyo_chain_status,
    ippyo_chain_status_ref, ippyo_chain_status_unref)

IppyoChainStatus *
_ippyo_chain_status_new(const char *origin, const char *election_id, guint64 size,
    gboolean closed, guint64 pending, guint64 inflight)
{
	IppyoChainStatus *s = g_new0(IppyoChainStatus, 1);

	g_atomic_ref_count_init(&s->ref);
	s->origin = g_strdup(origin);
	s->election_id = g_strdup(election_id);
	s->size = size;
	s->closed = closed;
	s->pending = pending;
	s->inflight = inflight;
	return s;
}

IppyoChainStatus *
ippyo_chain_status_ref(IppyoChainStatus *s)
{
	g_return_val_if_fail(s != NULL, NULL);
	g_atomic_ref_count_inc(&s->ref);
	return s;
}

void
ippyo_chain_status_unref(IppyoChainStatus *s)
{
	if (s == NULL || !g_atomic_ref_count_dec(&s->ref))
		return;
	g_free(s->origin);
	g_free(s->election_id);
	g_free(s);
}

const char *
ippyo_chain_status_get_origin(IppyoChainStatus *s)
{
	return s->origin;
}

const char *
ippyo_chain_status_get_election_id(IppyoChainStatus *s)
{
	return s->election_id;
}

guint64
ippyo_chain_status_get_size(IppyoChainStatus *s)
{
	return s->size;
}

gboolean
ippyo_chain_status_get_closed(IppyoChainStatus *s)
{
	return s->closed;
}

guint64
ippyo_chain_status_get_pending(IppyoChainStatus *s)
{
	return s->pending;
}

guint64
ippyo_chain_status_get_inflight(IppyoChainStatus *s)
{
	return s->inflight;
}
