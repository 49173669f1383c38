using System.Net.WebSockets;
using System.Text.Json;
using Akka.Event;
using Janus.Actors.Protocol;

namespace Janus.Actors.Servers;

/// <summary>
/// What the Admin API said of one handle: its <c>handle_info</c> <paramref name="Info"/>; or that Janus has no such handle
/// (both null); or the <paramref name="Problem"/> that kept it from saying.
/// </summary>
internal sealed record HandleRead(long HandleId, string Plugin, JsonElement? Info, string? Problem)
{
    public bool Gone => Info is null && Problem is null;
}

/// <summary>
/// A server's reads of its sessions' handles after a reclaim (Admin API <c>handle_info</c>), at most
/// <paramref name="concurrency"/> at once for the whole server, so that ten thousand sessions reclaimed together do not
/// open ten thousand admin requests.
/// </summary>
internal sealed class HandleReads(JanusAdminClient admin, string server, int concurrency, TimeSpan timeout, ILoggingAdapter log) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(concurrency);
    private int _failing; // 1 from a read that failed until one succeeds: one warning per outage

    /// <summary>What a server without an Admin API can say of handles after a reclaim: nothing.</summary>
    public static IReadOnlyList<HandleRead> WithoutAdminApi(string server, IEnumerable<(long HandleId, string Plugin)> handles) =>
        handles.Select(handle => new HandleRead(handle.HandleId, handle.Plugin, null,
            $"no Admin API is configured for Janus server '{server}' (AdminUrl, AdminSecret): the handle's state after the gap is unknown")).ToList();

    /// <summary>What Janus holds of each handle now, in the handles' order.</summary>
    public async Task<IReadOnlyList<HandleRead>> ReadAsync(long janusSessionId, IReadOnlyList<(long HandleId, string Plugin)> handles) =>
        await Task.WhenAll(handles.Select(handle => ReadAsync(janusSessionId, handle))).ConfigureAwait(false);

    private async Task<HandleRead> ReadAsync(long janusSessionId, (long HandleId, string Plugin) handle)
    {
        await _slots.WaitAsync().ConfigureAwait(false);
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            var info = await admin.HandleInfoAsync(janusSessionId, handle.HandleId, cancel.Token).ConfigureAwait(false);
            if (Interlocked.Exchange(ref _failing, 0) == 1) log.Info("Janus server '{Server}''s Admin API reads handles again", server);
            return new HandleRead(handle.HandleId, handle.Plugin, info, null);
        }
        catch (JanusAdminException e) when (e.JanusCode is (int)JanusErrorCode.HandleNotFound or (int)JanusErrorCode.SessionNotFound)
        {
            return new HandleRead(handle.HandleId, handle.Plugin, null, null);
        }
        catch (Exception e) when (e is JanusAdminException or HttpRequestException or WebSocketException or OperationCanceledException or JsonException or KeyNotFoundException)
        {
            var why = e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s" : e.Message;
            if (Interlocked.Exchange(ref _failing, 1) == 0)
                log.Warning("Janus server '{Server}''s Admin API could not read a handle after a reclaim ({Reason}): such handles are told not resynced", server, why);
            return new HandleRead(handle.HandleId, handle.Plugin, null, $"Janus server '{server}''s Admin API did not say: {why}");
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
