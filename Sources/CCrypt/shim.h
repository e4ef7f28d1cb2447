#ifndef CCRYPT_SHIM_H
#define CCRYPT_SHIM_H
// libxcrypt (Debian's libcrypt): crypt_r checks bcrypt ($2a$, $2b$, $2y$) password hashes.
#include <crypt.h>
#endif
