using System.Runtime.InteropServices;

namespace Janus.Actors.Fixtures;

/// <summary>POSIX signals to the processes the specs run (kill(2)): the suite's one P/Invoke.</summary>
public static class Signals
{
    public const int Quit = 3;
    public const int Kill = 9;
    public const int Term = 15;
    public const int Cont = 18;
    public const int Stop = 19;

    /// <summary>
    /// Sends <paramref name="signal"/> to <paramref name="processId"/> (negative: to that process group); true when it was
    /// delivered. Signal 0 delivers nothing and only tells whether the process exists.
    /// </summary>
    public static bool Send(int processId, int signal) => kill(processId, signal) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
