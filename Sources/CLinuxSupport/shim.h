// Linux calls the Glibc module does not bring: extended attributes (overlayfs markers).
#include <sys/xattr.h>
