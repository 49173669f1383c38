using System.Net.Http.Headers;

namespace Janus.Actors.Launcher;

/// <summary>Polls a host's <c>/readyz</c> (with <c>Api__Token</c> when set) until it answers 200.</summary>
public static class Readiness
{
    /// <summary>
    /// True once every port answers 200 within <paramref name="patience"/> altogether; false when time ran out or
    /// <paramref name="cancellationToken"/> said to stop waiting (the hosts stopped first).
    /// </summary>
    public static async Task<bool> WaitAsync(IEnumerable<int> apiPorts, TimeSpan patience, CancellationToken cancellationToken)
    {
        try
        {
            return await PollAsync(apiPorts, patience, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<bool> PollAsync(IEnumerable<int> apiPorts, TimeSpan patience, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        if (LaunchSettings.Env("Api__Token") is { } token) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var deadline = DateTime.UtcNow + patience;
        foreach (var port in apiPorts)
            while (!await ReadyAsync(http, port, cancellationToken))
            {
                if (DateTime.UtcNow > deadline) return false;
                await Task.Delay(200, cancellationToken);
            }
        return true;
    }

    private static async Task<bool> ReadyAsync(HttpClient http, int port, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/readyz", cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
