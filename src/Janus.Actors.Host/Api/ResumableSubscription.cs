using Janus.Actors.Hosting;
using Janus.Actors.Sessions;

namespace Janus.Actors.Host.Api;

/// <summary>
/// One event stream's subscription to a session, numbered and kept for a while after its caller went away, so that a
/// caller that reconnects with <c>Last-Event-ID</c> gets what it missed. It keeps the last <see cref="Capacity"/>
/// notices; it ends when the session ends, or <see cref="Retention"/> after its last reader left.
/// </summary>
public sealed class ResumableSubscription : IAsyncDisposable
{
    public const int Capacity = 256;
    public static readonly TimeSpan Retention = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private readonly Queue<(long Sequence, IJanusSessionNotice Notice)> _buffer = new();
    private readonly CancellationTokenSource _cancel = new();
    private readonly Task _pump;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _last;
    private int _readers;
    private bool _completed;

    public ResumableSubscription(IJanusSessions sessions, string key, string id)
    {
        Key = key;
        Id = id;
        var notices = sessions.EventsAsync(key, _cancel.Token).GetAsyncEnumerator(_cancel.Token);
        // The first MoveNextAsync sends the subscription: started here, before the caller is told the stream is open.
        _pump = PumpAsync(notices, notices.MoveNextAsync());
    }

    public string Key { get; }

    /// <summary>The stream's opaque id, the part of every event id before the colon.</summary>
    public string Id { get; }

    /// <summary>True when every notice after <paramref name="sequence"/> is still here.</summary>
    public bool HasAfter(long sequence)
    {
        lock (_lock)
            return sequence <= _last && (_buffer.Count == 0 ? sequence == _last : sequence >= _buffer.Peek().Sequence - 1);
    }

    /// <summary>The notices after <paramref name="sequence"/>, then each as it comes, until the session ends or the caller cancels.</summary>
    public async IAsyncEnumerable<(long Sequence, IJanusSessionNotice Notice)> ReadAfterAsync(long sequence,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            List<(long, IJanusSessionNotice)> ready;
            Task changed;
            bool completed;
            lock (_lock)
            {
                ready = _buffer.Where(n => n.Sequence > sequence).ToList();
                changed = _changed.Task;
                completed = _completed;
            }
            foreach (var notice in ready)
            {
                yield return notice;
                sequence = notice.Item1;
            }
            if (ready.Count > 0) continue;
            if (completed) yield break;
            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A reader arrived (a new stream, or a caller resuming this one).</summary>
    public void Attach()
    {
        lock (_lock) _readers++;
    }

    /// <summary>A reader left; true when none is left and the subscription should be kept only for <see cref="Retention"/>.</summary>
    public bool Detach()
    {
        lock (_lock) return --_readers == 0;
    }

    /// <summary>True when nobody reads it: the retention timer may end it.</summary>
    public bool Unread
    {
        get { lock (_lock) return _readers == 0; }
    }

    private async Task PumpAsync(IAsyncEnumerator<IJanusSessionNotice> notices, ValueTask<bool> first)
    {
        await using (notices)
        {
            try
            {
                var more = await first;
                while (more)
                {
                    Append(notices.Current);
                    if (notices.Current is SessionEnded) break;
                    more = await notices.MoveNextAsync();
                }
            }
            catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
            {
                // Retention over or host stopping.
            }
            catch (JanusSessionNotFoundException)
            {
                // The session is gone: the stream just ends.
            }
            finally
            {
                lock (_lock)
                {
                    _completed = true;
                    _changed.TrySetResult();
                }
            }
        }
    }

    private void Append(IJanusSessionNotice notice)
    {
        lock (_lock)
        {
            _buffer.Enqueue((++_last, notice));
            if (_buffer.Count > Capacity) _buffer.Dequeue();
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync();
        try { await _pump; } catch { /* ending either way */ }
        _cancel.Dispose();
    }
}
