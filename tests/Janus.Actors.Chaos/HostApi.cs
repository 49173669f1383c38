using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Janus.Actors.Chaos;

/// <summary>One answer of the host's API: its status and body, or why there was none (refused, timed out).</summary>
public sealed record ApiAnswer(HttpStatusCode? Status, string Body, string? Failure)
{
    public bool Is(HttpStatusCode status) => Status == status;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>Why the request did not succeed, short enough to group by: "503 the problem's title", "timeout", …</summary>
    public string Reason => Failure ?? $"{(int)Status!} {Title()}";

    private string Title()
    {
        try
        {
            return Json.TryGetProperty("title", out var title) ? title.GetString() ?? "" : Status.ToString()!;
        }
        catch (JsonException)
        {
            return Status.ToString()!;
        }
    }
}

/// <summary>
/// The host's API as the workload and the checker use it: with a hot standby, whichever host holds the journal — a
/// request the host cannot take (refused, or a standby's 503) goes to the other one, and the next request starts where
/// the last answer came from.
/// </summary>
public sealed class HostApi(IReadOnlyList<HostProcess> hosts, TimeSpan timeout)
{
    private int _current;

    public Task<ApiAnswer> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<ApiAnswer> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, body);

    public Task<ApiAnswer> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, object? body)
    {
        var first = _current;
        ApiAnswer answer = new(null, "", "no host");
        for (var tried = 0; tried < hosts.Count; tried++)
        {
            var index = (first + tried) % hosts.Count;
            answer = await SendToAsync(hosts[index], method, path, body, timeout);
            var elsewhere = answer.Failure is "refused" || (answer.Is(HttpStatusCode.ServiceUnavailable) && answer.Body.Contains("standby", StringComparison.OrdinalIgnoreCase));
            if (!elsewhere)
            {
                _current = index;
                return answer;
            }
        }
        return answer;
    }

    /// <summary><c>GET</c> of one host, whichever holds the journal (e.g. its <c>/readyz</c>).</summary>
    public static Task<ApiAnswer> GetFromAsync(HostProcess host, string path, TimeSpan timeout) =>
        SendToAsync(host, HttpMethod.Get, path, null, timeout);

    private static async Task<ApiAnswer> SendToAsync(HostProcess host, HttpMethod method, string path, object? body, TimeSpan timeout)
    {
        using var request = new HttpRequestMessage(method, new Uri(host.BaseAddress, path));
        if (host.ApiToken is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var patience = new CancellationTokenSource(timeout);
        try
        {
            using var response = await Client.SendAsync(request, patience.Token);
            return new ApiAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(patience.Token), null);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return new ApiAnswer(null, "", "refused");
        }
        catch (HttpRequestException e)
        {
            return new ApiAnswer(null, "", $"connection failed ({e.HttpRequestError})");
        }
        catch (OperationCanceledException)
        {
            return new ApiAnswer(null, "", "timeout");
        }
    }

    private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(3) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
