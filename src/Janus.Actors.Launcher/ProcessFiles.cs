namespace Janus.Actors.Launcher;

/// <summary>The data folder's pid and owner files, and the ports its servers take.</summary>
public static class ProcessFiles
{
    /// <summary>The pid in <paramref name="file"/> (first line) when that process runs and is <paramref name="program"/>.</summary>
    public static int? Running(string file, string program) =>
        PidFiles.Read(file) is { } pid && IsRunning(pid, program) ? pid : null;

    /// <summary>True when <paramref name="pid"/> runs and its command line mentions <paramref name="program"/>.</summary>
    public static bool IsRunning(int pid, string program) =>
        PidFiles.IsAlive(pid) && PidFiles.CommandLine(pid)?.Contains(program, StringComparison.Ordinal) == true;

    public static void Write(string file, int pid) => File.WriteAllText(file, $"{pid}\n");

    public static void Delete(params string[] files)
    {
        foreach (var file in files) File.Delete(file);
    }

    /// <summary>
    /// A server of this data folder (<paramref name="what"/>) already runs. While the launcher that started it (pid in
    /// <paramref name="ownerFile"/>) still runs, this one shares it and leaves it alone (false); when that one is gone
    /// (SIGKILLed, a closed terminal) this one adopts it: it becomes the owner and stops it on exit (true).
    /// </summary>
    public static bool AdoptUnlessShared(string what, int pid, string ownerFile, string dataFolder)
    {
        if (Running(ownerFile, "Janus.Actors.Launcher") is { } owner)
        {
            Say.Line($"{what} already runs for {dataFolder} (pid {pid}, started by build.sh pid {owner}): sharing it");
            return false;
        }
        Say.Line($"{what} already runs for {dataFolder} (pid {pid}) and the run that started it is gone: using it, and stopping it on exit");
        Write(ownerFile, Environment.ProcessId);
        return true;
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool PortOpen(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
