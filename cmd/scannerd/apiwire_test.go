package main

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/scannerd/scannerd/api/apitest"
	"github.com/scannerd/scannerd/licensing"
)

// The license document the API serves has every member of the license
// client's state, under the same name: when licensing grows a member,
// apitype.License (and docs/openapi.yaml) must grow it too.
func TestLicenseDocumentHasEveryMember(t *testing.T) {
	var st licensing.Status
	apitest.Fill(reflect.ValueOf(&st).Elem())
	want, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(licenseDocument(st))
	if err != nil {
		t.Fatal(err)
	}
	var w, g map[string]any
	json.Unmarshal(want, &w)
	json.Unmarshal(got, &g)
	if !reflect.DeepEqual(w, g) {
		t.Errorf("license document differs from licensing.Status:\n got %s\nwant %s", got, want)
	}
}
