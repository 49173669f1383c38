namespace Janus.Actors.Fixtures;

/// <summary>Pid files and the processes they name, read with care: a stale file names a process that is gone or another program.</summary>
public static class PidFiles
{
    /// <summary>The pid on the first line of <paramref name="file"/>; null when there is no such file or no number in it.</summary>
    public static int? Read(string file)
    {
        try
        {
            return int.TryParse(File.ReadLines(file).FirstOrDefault()?.Trim(), out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>True when a process <paramref name="pid"/> exists (a zombie included: it has not been reaped yet).</summary>
    public static bool IsAlive(int pid) => Signals.Send(pid, 0);

    /// <summary>Its command line, arguments separated by NUL; null when it is gone; empty for a zombie.</summary>
    public static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
