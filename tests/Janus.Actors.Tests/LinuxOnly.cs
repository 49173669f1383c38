// The specs run real Janus, PostgreSQL and host processes, read /proc and send signals: Linux only, as CI is. Said once,
// so that Unix-only calls (file modes) need no guard of their own.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
