using YamlDotNet.RepresentationModel;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// The repository's docker-compose.yml as Compose itself reads it: <c>docker-compose config</c> (Debian's
/// docker-compose 1.29) validates the file and prints it normalized — anchors merged, variables interpolated, paths
/// absolute, ports in one form — without a Docker daemon. Runs with no <c>.env</c> (an empty env file) and only the
/// variables given, so a developer's own .env cannot change what is asserted.
/// </summary>
public sealed class DockerComposeConfig
{
    private DockerComposeConfig(int exitCode, string output, string errors)
    {
        ExitCode = exitCode;
        Output = output;
        Errors = errors;
    }

    public int ExitCode { get; }
    public string Output { get; }
    public string Errors { get; }

    /// <summary>The normalized file's root mapping; throws with Compose's message when the file was refused.</summary>
    public YamlMappingNode Root
    {
        get
        {
            if (ExitCode != 0) throw new InvalidOperationException($"docker-compose config exited with {ExitCode}: {Errors}");
            var yaml = new YamlStream();
            yaml.Load(new StringReader(Output));
            return (YamlMappingNode)yaml.Documents[0].RootNode;
        }
    }

    public YamlMappingNode Services => Root.Mapping("services");

    /// <summary>Runs <c>docker-compose -f docker-compose.yml config</c> in the repository root with these variables.</summary>
    public static async Task<DockerComposeConfig> ReadAsync(IReadOnlyDictionary<string, string> variables)
    {
        var root = HostProcess.RepositoryRoot();
        var emptyEnvFile = Path.GetTempFileName();
        try
        {
            var info = new ProcessStartInfo("docker-compose")
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])["--env-file", emptyEnvFile, "-f", Path.Combine(root, "docker-compose.yml"), "config"])
                info.ArgumentList.Add(argument);
            foreach (var name in (string[])["JANUS_ACTORS_API_TOKEN", "POSTGRES_PASSWORD", "JANUS_API_SECRET", "JANUS_ADMIN_SECRET"])
                info.Environment.Remove(name);
            foreach (var (name, value) in variables)
                info.Environment[name] = value;

            Process process;
            try
            {
                process = Process.Start(info)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("docker-compose is not installed: apt-get install -y docker-compose (./build.sh test installs it)", e);
            }
            using (process)
            {
                var errors = process.StandardError.ReadToEndAsync();
                var output = await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                return new DockerComposeConfig(process.ExitCode, output, await errors);
            }
        }
        finally
        {
            File.Delete(emptyEnvFile);
        }
    }
}

/// <summary>Lookups in YamlDotNet's node tree that name what is missing when a key is absent.</summary>
public static class YamlNodes
{
    public static YamlNode? Find(this YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public static YamlMappingNode Mapping(this YamlMappingNode mapping, string key) =>
        mapping.Find(key) as YamlMappingNode ?? throw new KeyNotFoundException($"no mapping '{key}' in {mapping}");

    public static string? Text(this YamlMappingNode mapping, string key) => (mapping.Find(key) as YamlScalarNode)?.Value;

    public static IReadOnlyList<string> Texts(this YamlMappingNode mapping, string key) =>
        mapping.Find(key) is YamlSequenceNode sequence ? sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() : [];

    public static IEnumerable<(string Name, YamlMappingNode Node)> Entries(this YamlMappingNode mapping) =>
        mapping.Children.Select(c => (((YamlScalarNode)c.Key).Value!, (YamlMappingNode)c.Value));
}
