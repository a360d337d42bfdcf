package lts

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DeviceState is how an operator sees a device: in use, silent, revoked or
// removed.
type DeviceState string

// The device states, from the first that applies: a revoked device is
// revoked, removed or not.
const (
	DeviceRevoked DeviceState = "revoked"
	DeviceRemoved DeviceState = "removed"
	// DeviceSilent holds a slot but was last seen before its code's
	// SilentBefore: its authorization has run out, so it is off, broken
	// or cut off.
	DeviceSilent DeviceState = "silent"
	DeviceActive DeviceState = "active"
)

// DeviceStates are the states, in the order of DeviceCount's fields.
var DeviceStates = []DeviceState{DeviceActive, DeviceSilent, DeviceRevoked, DeviceRemoved}

// DeviceCutoffs are the moments a handshake code's devices are judged by.
type DeviceCutoffs struct {
	// ActiveSince: a device neither removed nor revoked and last seen
	// after it holds a slot (as ActiveDevices counts).
	ActiveSince time.Time
	// SilentBefore: a device neither removed nor revoked and last seen
	// before it is silent.
	SilentBefore time.Time
}

// DeviceQuery selects devices for operators' views (DeviceCounts,
// ListDevices) without reading every device record.
type DeviceQuery struct {
	// Handshake, when not empty, keeps the devices of one code.
	Handshake string
	// Search, when not empty, keeps the devices whose UUID, domain,
	// address, software or handshake code holds it, ignoring the case of
	// ASCII letters, and every device of the codes in SearchCodes (which
	// the caller matched on what it knows of them, customer names say).
	Search      string
	SearchCodes []string
	// Cutoffs are each code's moments; a code without an entry has no
	// silent devices and no device holding a slot.
	Cutoffs map[string]DeviceCutoffs
	// State, when not empty, keeps the devices in that state (ListDevices).
	State DeviceState
	// Oldest lists the devices seen least recently first; by default the
	// most recently seen come first (ListDevices). Ties go by handshake
	// code, then UUID.
	Oldest bool
	// Offset and Limit page the list: Limit 0 lists to the end.
	Offset, Limit int
}

// Validate checks the state and the page.
func (q *DeviceQuery) Validate() error {
	if q.State != "" && !slices.Contains(DeviceStates, q.State) {
		return fmt.Errorf("%w: device state %q (want active, silent, revoked or removed)", ErrInvalid, q.State)
	}
	if q.Offset < 0 || q.Limit < 0 {
		return fmt.Errorf("%w: device page from %d, %d long", ErrInvalid, q.Offset, q.Limit)
	}
	return nil
}

// Needle is Search as stores compare it: ASCII letters in lower case.
func (q *DeviceQuery) Needle() string { return lowerASCII(q.Search) }

// Matches reports whether q's Handshake and Search keep a device of code
// with the given fields (needle from Needle).
func (q *DeviceQuery) Matches(code, id, domain, address, software, needle string) bool {
	if q.Handshake != "" && code != q.Handshake {
		return false
	}
	if needle == "" || slices.Contains(q.SearchCodes, code) {
		return true
	}
	for _, f := range []string{id, domain, address, software, code} {
		if containsLowerASCII(f, needle) {
			return true
		}
	}
	return false
}

// StateOf returns the state of a device of code last seen at lastSeen.
func (q *DeviceQuery) StateOf(code string, lastSeen time.Time, removed, revoked bool) DeviceState {
	switch {
	case revoked:
		return DeviceRevoked
	case removed:
		return DeviceRemoved
	case lastSeen.Before(q.Cutoffs[code].SilentBefore):
		return DeviceSilent
	}
	return DeviceActive
}

// Page returns the part of a list that q's Offset and Limit select.
func (q *DeviceQuery) Page(n int) (from, to int) {
	from = min(q.Offset, n)
	to = n
	if q.Limit > 0 {
		to = min(from+q.Limit, n)
	}
	return from, to
}

// CompareSeen orders two devices as ListDevices lists them.
func (q *DeviceQuery) CompareSeen(aSeen time.Time, aCode, aID string, bSeen time.Time, bCode, bID string) int {
	c := aSeen.Compare(bSeen)
	if !q.Oldest {
		c = -c
	}
	return cmp.Or(c, cmp.Compare(aCode, bCode), cmp.Compare(aID, bID))
}

// DeviceCount is the number of a code's devices in each state, and of
// those holding a slot.
type DeviceCount struct {
	Active, Silent, Revoked, Removed int
	// Slots are the devices neither removed nor revoked seen after the
	// code's ActiveSince (a silent device may hold one).
	Slots int
}

// Total is the number of devices counted.
func (c DeviceCount) Total() int { return c.Active + c.Silent + c.Revoked + c.Removed }

// In returns the count of one state.
func (c DeviceCount) In(s DeviceState) int {
	switch s {
	case DeviceActive:
		return c.Active
	case DeviceSilent:
		return c.Silent
	case DeviceRevoked:
		return c.Revoked
	case DeviceRemoved:
		return c.Removed
	}
	return c.Total()
}

// Add counts a device of a state, holding a slot or not.
func (c *DeviceCount) Add(s DeviceState, slot bool) {
	switch s {
	case DeviceActive:
		c.Active++
	case DeviceSilent:
		c.Silent++
	case DeviceRevoked:
		c.Revoked++
	case DeviceRemoved:
		c.Removed++
	}
	if slot {
		c.Slots++
	}
}

// Plus adds two counts.
func (c DeviceCount) Plus(o DeviceCount) DeviceCount {
	return DeviceCount{c.Active + o.Active, c.Silent + o.Silent, c.Revoked + o.Revoked, c.Removed + o.Removed, c.Slots + o.Slots}
}

// HoldsSlot reports whether a device of code holds a slot at q's cutoffs.
func (q *DeviceQuery) HoldsSlot(code string, lastSeen time.Time, removed, revoked bool) bool {
	cut, ok := q.Cutoffs[code]
	return ok && !removed && !revoked && lastSeen.After(cut.ActiveSince)
}

func lowerASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// containsLowerASCII reports whether s, with ASCII letters in lower case,
// holds needle (already in lower case), without allocating.
func containsLowerASCII(s, needle string) bool {
	if len(needle) == 0 {
		return true
	}
	for i := 0; i+len(needle) <= len(s); i++ {
		j := 0
		for ; j < len(needle); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				break
			}
		}
		if j == len(needle) {
			return true
		}
	}
	return false
}
