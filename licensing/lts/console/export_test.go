package console

import "context"

// CheckAlerts runs one alert check now, as Run does every interval.
func CheckAlerts(ctx context.Context, c *Console) error { return c.alerts.check(ctx) }
