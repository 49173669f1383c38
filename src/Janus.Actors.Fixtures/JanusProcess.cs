namespace Janus.Actors.Fixtures;

/// <summary>How every Janus of this repository is started: the test servers and <c>./build.sh run</c>'s.</summary>
public static class JanusProcess
{
    private const string LaunchScript = """
        ulimit -n "${1:-$(ulimit -Hn)}" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
        echo "=== $0: starting $(date -Is), open files limit $(ulimit -n)" >>"$4"
        exec setsid "$2" -F "$3" --disable-colors --debug-timestamps </dev/null >>"$4" 2>&1
        """;

    /// <summary>
    /// Starts <c>janus -F <paramref name="folder"/></c> through bash, with <paramref name="fileDescriptorLimit"/> open
    /// files (null, or more than the hard limit allows: the hard limit), its output appended to <paramref name="logPath"/>,
    /// in a session of its own (setsid): a Ctrl-C or a kill of its starter's process group does not reach it. bash execs
    /// setsid, which execs Janus: the returned process is Janus. <paramref name="starter"/> names who started it in the
    /// log's first line.
    /// </summary>
    public static Process Launch(string starter, string executable, string folder, string logPath, int? fileDescriptorLimit = null)
    {
        // Janus resolves relative plugin paths (recordings, ...) against its working folder: keep them in its own.
        var launch = new ProcessStartInfo("/bin/bash") { UseShellExecute = false, WorkingDirectory = folder };
        foreach (var argument in new[] { "-c", LaunchScript, starter, fileDescriptorLimit?.ToString() ?? "", executable, folder, logPath })
            launch.ArgumentList.Add(argument);
        return Process.Start(launch) ?? throw new InvalidOperationException("Could not launch bash to start Janus");
    }
}
