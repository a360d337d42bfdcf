package geom

import (
	"math"
	"testing"
)

func TestFitHomographyRecoversAProjectiveMap(t *testing.T) {
	want := Homography{3.1, 0.4, 120, -0.3, 2.8, 75, 0.002, -0.001}
	var pts []Correspondence
	for _, p := range [][2]float64{{0, 0}, {20, 0}, {20, 20}, {0, 20}, {10, 5}, {3, 17}} {
		u, v := want.Apply(p[0], p[1])
		pts = append(pts, Correspondence{p[0], p[1], u, v})
	}
	got, ok := FitHomography(pts)
	if !ok {
		t.Fatal("no fit")
	}
	for _, p := range [][2]float64{{7, 13}, {25, -3}} {
		wu, wv := want.Apply(p[0], p[1])
		gu, gv := got.Apply(p[0], p[1])
		if math.Hypot(wu-gu, wv-gv) > 1e-6 {
			t.Errorf("(%v): got (%.4f,%.4f), want (%.4f,%.4f)", p, gu, gv, wu, wv)
		}
	}
	if _, ok := FitHomography(pts[:2]); ok {
		t.Error("two points gave a homography")
	}
	if _, ok := FitHomography([]Correspondence{{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3}}); ok {
		t.Error("collinear points gave a homography")
	}
}

func TestFitAffine(t *testing.T) {
	want := Homography{2, 0.5, 10, -0.5, 2, 20, 0, 0}
	var pts []Correspondence
	for _, p := range [][2]float64{{0, 0}, {7, 0}, {0, 7}, {7, 7}} {
		u, v := want.Apply(p[0], p[1])
		pts = append(pts, Correspondence{p[0], p[1], u, v})
	}
	got, ok := FitAffine(pts)
	if !ok {
		t.Fatal("no fit")
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
