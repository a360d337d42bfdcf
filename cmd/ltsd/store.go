package main

import (
	"context"
	"fmt"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/boltstore"
	"github.com/scannerd/scannerd/licensing/lts/pgstore"
)

// openConfigStore opens the store a config names: the PostgreSQL database
// of [store] url when set, else the bbolt file of [store] path.
func openConfigStore(ctx context.Context, cfg Config) (lts.Store, error) {
	if cfg.Store.Postgres() {
		st, err := pgstore.Open(ctx, cfg.Store.URL)
		if err != nil {
			return nil, fmt.Errorf("%w (check [store] url)", err)
		}
		return st, nil
	}
	return boltstore.Open(cfg.Path(cfg.Store.Path))
}
