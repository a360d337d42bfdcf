package sink

import (
	"context"
	"time"

	"golang.org/x/sys/unix"
)

// LineFlags returns the c_cflag a serial sink sets for p on a TTY whose
// flags were all clear.
func LineFlags(p *SerialSpec) uint32 {
	var t unix.Termios
	setLine(&t, p)
	return t.Cflag
}

// WebhookAttempt posts one result as the webhook sink of spec would, and
// returns how long the sink would wait before trying it again (0 when
// delivered) and the attempt's error.
func WebhookAttempt(ctx context.Context, spec *Spec, env *Env, it *Item, payload []byte) (time.Duration, error) {
	h, err := newWebhook(spec.Webhook, "application/json", env)
	if err != nil {
		return 0, err
	}
	defer h.close(ctx)
	if err := h.send(ctx, it, payload); err != nil {
		return retryDelay(spec.retry(), err, 1), err
	}
	return 0, nil
}
