package capture

// Hotplug tells subscribers that V4L2 device nodes or their udev links
// came or went. A signal says only that something changed: a subscriber
// looks again (Devices.Resolve). Signals are coalesced, never queued: a
// subscriber that was busy sees one.
type Hotplug interface {
	Subscribe() (changes <-chan struct{}, cancel func())
}
