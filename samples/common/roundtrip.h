/* sret to U-mode, where an ecall comes straight back (roundtrip.S). */
#ifndef SAMPLES_ROUNDTRIP_H
#define SAMPLES_ROUNDTRIP_H

/* The caller's sample_trap must send an ecall from U (scause 8) to sret_roundtrip_back in S-mode. */
void sret_roundtrip(void);
extern char sret_roundtrip_back[];

#endif
