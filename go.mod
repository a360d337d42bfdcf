module github.com/scannerd/scannerd

go 1.26
