namespace Janus.Actors.Fixtures;

/// <summary>Log files that a running server still writes to.</summary>
public static class LogFiles
{
    /// <summary>The last <paramref name="lines"/> lines of <paramref name="path"/>, read beside its writer; null when there is no such file.</summary>
    public static string? Tail(string path, int lines)
    {
        if (!File.Exists(path)) return null;
        using var log = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return string.Join('\n', new StreamReader(log).ReadToEnd().TrimEnd().Split('\n').TakeLast(lines));
    }
}
