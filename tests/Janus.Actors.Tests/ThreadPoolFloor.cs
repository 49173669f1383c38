using System.Runtime.CompilerServices;

namespace Janus.Actors.Tests;

/// <summary>
/// The specs run beside real Janus, PostgreSQL and host processes on two cores, and part of what runs in this process
/// holds a pool thread while it waits: Microsoft.Data.Sqlite does its I/O synchronously under its async API, for every
/// in-process journal. With the pool's default floor (one thread a core) a few such waits at once delay every timer,
/// continuation and actor of the other specs while the pool grows by a thread or two a second; seen in CI as a 10 s
/// freeze that lasted 36 s and a journal recovery that missed its 30 s. A higher floor lets the pool grow at once.
/// </summary>
internal static class ThreadPoolFloor
{
    private const int MinimumThreads = 32;

#pragma warning disable CA2255 // a module initializer in a test assembly: it runs before any spec
    [ModuleInitializer]
    internal static void Raise()
#pragma warning restore CA2255
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, MinimumThreads), Math.Max(completionPorts, MinimumThreads));
    }
}
