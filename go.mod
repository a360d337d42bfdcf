module github.com/scannerd/scannerd

go 1.26

require (
	github.com/google/uuid v1.6.0
	github.com/pelletier/go-toml/v2 v2.4.3
	go.etcd.io/bbolt v1.5.0
)

require golang.org/x/sys v0.45.0 // indirect
