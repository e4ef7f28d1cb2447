// Keeps the shipped binary within its platform floor: glibc 2.34 (RHEL 9) and GCC 11's
// libstdc++ (GLIBCXX_3.4.29, RHEL 9).
//
// The toolchain's static Swift libraries were linked against Debian 12's glibc 2.36 and GCC 12's
// libstdc++, so three of their calls bind to versions added there: hypot and hypotf
// (GLIBC_2.35, a faster implementation of the same function) and
// std::condition_variable::wait(unique_lock&) (GLIBCXX_3.4.30, the same call re-exported). Each
// library still exports the older version of the same function. The dist build links with
// --wrap=SYMBOL (scripts/dist-link-flags), which sends every call of SYMBOL to __wrap_SYMBOL
// below, and each of those jumps to the older version, named with .symver.
//
// Tests/Packaging/check-symbol-floor.sh fails the build when any other symbol crosses the floor.

double ipvs_floor_hypot(double, double);
float ipvs_floor_hypotf(float, float);
void ipvs_floor_condition_variable_wait(void *condition, void *lock);

__asm__(".symver ipvs_floor_hypot, hypot@GLIBC_2.2.5");
__asm__(".symver ipvs_floor_hypotf, hypotf@GLIBC_2.2.5");
__asm__(".symver ipvs_floor_condition_variable_wait, "
        "_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE@GLIBCXX_3.4.11");

double __wrap_hypot(double x, double y) { return ipvs_floor_hypot(x, y); }

float __wrap_hypotf(float x, float y) { return ipvs_floor_hypotf(x, y); }

// A member function: `this`, then the lock. Compiled to a tail jump, so an exception thrown by
// wait unwinds straight into the caller.
void __wrap__ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE(void *condition, void *lock) {
    ipvs_floor_condition_variable_wait(condition, lock);
}
