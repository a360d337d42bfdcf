package lts

import (
	"errors"
	"net/netip"
	"testing"
	"time"
)

func TestHandshakeBinding(t *testing.T) {
	h := Handshake{Domains: []string{"Plant.Example.com"}, Networks: []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16"), netip.MustParsePrefix("fd00::/8")}}
	tests := []struct {
		domain string
		addr   string
		want   bool
	}{
		{"plant.example.com", "192.0.2.1", true},
		{"line2.plant.example.com.", "192.0.2.1", true},
		{"otherplant.example.com", "192.0.2.1", false},
		{"", "10.20.3.4", true},
		{"evil.example", "::ffff:10.20.3.4", true},
		{"", "fd12::1", true},
		{"", "10.21.0.1", false},
		{"", "", false},
	}
	for _, tt := range tests {
		addr, _ := netip.ParseAddr(tt.addr)
		if got := h.Allows(tt.domain, addr); got != tt.want {
			t.Errorf("Allows(%q, %s) = %v, want %v", tt.domain, tt.addr, got, tt.want)
		}
	}
	if !(&Handshake{}).Allows("", netip.Addr{}) {
		t.Error("an unbound handshake refuses")
	}
}

func TestHandshakeValidateAndPassword(t *testing.T) {
	ok := Handshake{Code: "AB-12", Licenses: []string{"L"}, OfflinePeriod: DefaultOfflinePeriod}
	bad := []func(*Handshake){
		func(h *Handshake) { h.Code = "" },
		func(h *Handshake) { h.Code = "a b" },
		func(h *Handshake) { h.Code = "a\x00b" },
		func(h *Handshake) { h.Licenses = nil },
		func(h *Handshake) { h.OfflinePeriod = time.Minute },
		func(h *Handshake) { h.GracePercent = -1 },
		func(h *Handshake) { h.Domains = []string{""} },
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for i, mutate := range bad {
		h := ok
		mutate(&h)
		if err := h.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("case %d: %v", i, err)
		}
	}
	p, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Check("correct horse") || p.Check("correct horse ") || p.Check("") {
		t.Error("password check")
	}
	q, _ := HashPassword("correct horse")
	if string(q.Salt) == string(p.Salt) || string(q.Hash) == string(p.Hash) {
		t.Error("two hashes of one password share salt or hash")
	}
	if a, b := NewHandshakeCode(), NewHandshakeCode(); len(a) != 14 || a == b {
		t.Error("handshake codes")
	}
}
