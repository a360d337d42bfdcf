package microqr

import (
	"github.com/scannerd/scannerd/scanner/internal/geom"
	"github.com/scannerd/scannerd/scanner/internal/qrfinder"
)

// homography maps symbol coordinates (x = column, y = row, in modules, the
// symbol's top-left corner at 0,0) to image coordinates.
type homography = geom.Homography

// correspondence pairs a symbol point with the image point it shows at.
type correspondence = geom.Correspondence

var (
	fitHomography = geom.FitHomography
	fitAffine     = geom.FitAffine
)

// dark samples the bit matrix at a point, outside counting as light.
var dark = qrfinder.Dark
