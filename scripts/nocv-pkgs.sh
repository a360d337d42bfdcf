#!/bin/sh
# Lists the packages whose build without OpenCV (-tags nocv, CGO_ENABLED=0,
# no GOEXPERIMENT) can differ from make test's: those with a file the two
# builds choose differently, and every package that imports one of them,
# in its code or its tests. The others compile from the same files against
# the same packages in both builds, and make test's go vet has checked
# them already. Usage: scripts/nocv-pkgs.sh TAGS (make test's build tags).
set -eu
tags=$1
files='{{.ImportPath}} {{join .GoFiles ","}} {{join .CgoFiles ","}} {{join .TestGoFiles ","}} {{join .XTestGoFiles ","}}'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"${GO:-go}" list -tags "$tags" -f "$files" ./... | sort >"$tmp/main"
GOEXPERIMENT= CGO_ENABLED=0 "${GO:-go}" list -tags nocv -f "$files" ./... | sort >"$tmp/nocv"
# Packages whose files differ (or that only one build has).
comm -3 "$tmp/main" "$tmp/nocv" | awk '{print $1}' | sort -u >"$tmp/differ"
# Every package of the tree with what it imports, code and tests.
"${GO:-go}" list -tags "$tags" -f '{{.ImportPath}} {{join .Deps " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... |
	awk -v differ="$tmp/differ" '
		BEGIN { while ((getline p < differ) > 0) d[p] = 1 }
		{ for (i = 1; i <= NF; i++) if ($i in d) { print $1; next } }'
