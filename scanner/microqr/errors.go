package microqr

import "errors"

var errBadFormat = errors.New("microqr: unreadable format information")
