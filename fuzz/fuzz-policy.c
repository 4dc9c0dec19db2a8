/* Fuzzes the tlog-policy text parser and the quorum evaluation over every witness subset size. */
#include "fuzz.h"

#include "log/policy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ippyo_policy *p = NULL;
	int cosigned[IPPYO_POLICY_MAX_WITNESSES];
	size_t nw;
	int r;

	if (ippyo_policy_parse(data, size, &p) != 0)
		return 0;
	FUZZ_CHECK(ippyo_policy_log_count(p) <= IPPYO_POLICY_MAX_LOGS);
	nw = ippyo_policy_witness_count(p);
	FUZZ_CHECK(nw <= IPPYO_POLICY_MAX_WITNESSES);
	for (size_t i = 0; i < ippyo_policy_log_count(p); i++)
		FUZZ_CHECK(ippyo_policy_log(p, i) != NULL);
	for (size_t i = 0; i < nw; i++)
		FUZZ_CHECK(ippyo_policy_witness(p, i) != NULL);
	/* Monotone: once a prefix of witnesses meets the quorum, longer ones do. */
	memset(cosigned, 0, sizeof(cosigned));
	r = ippyo_policy_quorum_met(p, cosigned);
	for (size_t i = 0; i < nw; i++) {
		int was = r;

		cosigned[i] = 1;
		r = ippyo_policy_quorum_met(p, cosigned);
		FUZZ_CHECK(was != 0 || r == 0);
	}
	if (ippyo_policy_quorum_none(p))
		FUZZ_CHECK(r == 0);
	ippyo_policy_free(p);
	return 0;
}
