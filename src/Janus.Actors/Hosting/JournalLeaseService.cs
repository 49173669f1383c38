using Janus.Actors.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Janus.Actors.Hosting;

/// <summary>
/// Takes the journal's lease when the application starts, before the actor system reads anything (it is registered
/// ahead of it, and hosted services start in order), and releases it after the actor system has stopped. Without
/// <see cref="JanusJournalOptions.Standby"/> a held journal fails the start with <see cref="JanusJournalHeldException"/>;
/// with it the application runs as a hot standby and takes the lease as soon as its holder releases it (or dies).
/// A lease lost while running (PostgreSQL: its connection broke and another process took it) stops the application:
/// two writers on one journal is what the lease exists to prevent.
/// </summary>
internal sealed class JournalLeaseService(JanusJournalOptions journal, JanusJournalLeaseMode mode, JournalLeaseGate gate,
    IHostApplicationLifetime lifetime, ILogger<JournalLeaseService> logger) : IHostedService
{
    /// <summary>How often a standby tries to take the lease.</summary>
    internal static readonly TimeSpan StandbyPollInterval = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource _stopping = new();
    private JanusJournalLease? _lease;
    private Task _waiting = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            Hold(await JanusJournalLease.AcquireAsync(journal, mode, cancellationToken).ConfigureAwait(false));
        }
        catch (JanusJournalHeldException held) when (journal.Standby)
        {
            logger.LogWarning("Standby: the {Journal} is held by {Holder}; this host takes over when it is released", held.Journal, held.Holder);
            gate.Wait(held.Holder);
            _waiting = WaitForLeaseAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _waiting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_lease is not null) await _lease.DisposeAsync().ConfigureAwait(false);
    }

    private void Hold(JanusJournalLease lease)
    {
        _lease = lease;
        gate.Grant();
        lease.Lost.ContinueWith(_ =>
        {
            logger.LogCritical("The lease on the {Journal} was lost to another process: stopping, so that only one process writes it", journal);
            lifetime.StopApplication();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task WaitForLeaseAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                Hold(await JanusJournalLease.AcquireAsync(journal, mode, stopping).ConfigureAwait(false));
                logger.LogWarning("Taking over: this host now holds the {Journal} and recovers its sessions", journal);
                return;
            }
            catch (Exception e) when (e is JanusJournalHeldException or JanusJournalUnavailableException && !stopping.IsCancellationRequested)
            {
                if (e is JanusJournalHeldException held) gate.Wait(held.Holder);
            }
            await Task.Delay(StandbyPollInterval, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
