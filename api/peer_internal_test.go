package api

import (
	"errors"
	"strings"
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
	// A daemon started by hand as user 1500, as make run does.
	byHand := adminPolicy{self: 1500, group: "scannerd-admin", gid: admins, hasGID: true, groupsOf: lookup}
	byHandNoGroup := adminPolicy{self: 1500, groupsOf: lookup}
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
		{"the daemon's own user", byHand, 1500, 1500, true},
		{"the daemon's own user without an admin group", byHandNoGroup, 1500, 1500, true},
		{"root beside a daemon run by hand", byHandNoGroup, 0, 0, true},
		{"another user beside a daemon run by hand", byHandNoGroup, 1001, 1001, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.policy.isAdmin(tc.uid, tc.gid); got != tc.want {
				t.Errorf("isAdmin(%d, %d) = %v, want %v", tc.uid, tc.gid, got, tc.want)
			}
		})
	}
}

// TestAdminRefusal: a refused peer is told who may use the endpoint and
// what to do about it, naming the group when there is one.
func TestAdminRefusal(t *testing.T) {
	withGroup := adminPolicy{self: 998, group: "scannerd-admin", gid: 990, hasGID: true}
	for _, want := range []string{"root or the group scannerd-admin", "you are uid 1001", "sudo", "usermod -aG scannerd-admin"} {
		if got := withGroup.refusal(1001); !strings.Contains(got, want) {
			t.Errorf("refusal = %q, want it to contain %q", got, want)
		}
	}
	// admin_group = "root": joining root's group is never the advice.
	rootGroup := adminPolicy{self: 998, group: "root", gid: 0, hasGID: true}
	if got := rootGroup.refusal(1001); strings.Contains(got, "usermod") || !strings.Contains(got, "sudo") ||
		!strings.Contains(got, "admin_group") {
		t.Errorf("refusal with the root group = %q, want sudo or admin_group, not usermod", got)
	}
	noGroup := adminPolicy{self: 1500}
	for _, want := range []string{"the daemon's user (uid 1500)", "no admin group", "you are uid 1001", "sudo"} {
		if got := noGroup.refusal(1001); !strings.Contains(got, want) {
			t.Errorf("refusal = %q, want it to contain %q", got, want)
		}
	}
}
