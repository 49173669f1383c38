namespace Janus.Actors.Launcher;

/// <summary>The launcher's own lines, on stderr beside the hosts' output, under the name the user typed.</summary>
public static class Say
{
    public static void Line(string text) => Console.Error.WriteLine($"build.sh: {text}");
}
