package api

import (
	"errors"
	"testing"
)

func TestAdminPolicy(t *testing.T) {
	const admins = 990
	groups := map[uint32][]uint32{
		1000: {1000, admins}, // in the admin group as a supplementary group
		1001: {1001, 27},
	}
	lookup := func(uid uint32) ([]uint32, error) {
		g, ok := groups[uid]
		if !ok {
			return nil, errors.New("no such user")
		}
		return g, nil
	}
	withGroup := adminPolicy{gid: admins, hasGID: true, groupsOf: lookup}
	rootOnly := adminPolicy{groupsOf: lookup}
	for _, tc := range []struct {
		name     string
		policy   adminPolicy
		uid, gid uint32
		want     bool
	}{
		{"root", withGroup, 0, 0, true},
		{"root without a group", rootOnly, 0, 0, true},
		{"primary group", withGroup, 2000, admins, true},
		{"supplementary group", withGroup, 1000, 1000, true},
		{"other user", withGroup, 1001, 1001, false},
		{"unknown user", withGroup, 4242, 4242, false},
		{"member but no admin group configured", rootOnly, 1000, 1000, false},
		{"primary gid but no admin group configured", rootOnly, 2000, admins, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.policy.isAdmin(tc.uid, tc.gid); got != tc.want {
				t.Errorf("isAdmin(%d, %d) = %v, want %v", tc.uid, tc.gid, got, tc.want)
			}
		})
	}
}
