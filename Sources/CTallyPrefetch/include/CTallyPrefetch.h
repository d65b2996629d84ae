#ifndef CTALLY_PREFETCH_H
#define CTALLY_PREFETCH_H

/// Asks the CPU to start loading the cache line at `address` for a read soon. Swift has no
/// prefetch intrinsic; this is the one thing Tally needs from C beyond libpq and libxml2. It never
/// faults, whatever the address, and changes no memory.
static inline void tally_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
