/* ippyo — IppyoSubmitter's test seam. */
#pragma once

#include "voter-submitter.h"

G_BEGIN_DECLS

/*
 * Called on the worker thread after the card accepted the PIN and before it
 * signs: tests pull the card out here (a fault injection point, as SQLite's).
 */
typedef void (*IppyoSubmitterHook)(gpointer data);
void ippyo_submitter_set_before_sign_hook(IppyoSubmitter *self, IppyoSubmitterHook hook,
    gpointer data);

G_END_DECLS
