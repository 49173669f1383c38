using Janus.Actors.Sessions;

namespace Janus.Actors.Hosting;

/// <summary>What <see cref="IJanusSessions.CreateOrResumeAsync"/> found or made.</summary>
/// <param name="Session">The session under the key, as it is now.</param>
/// <param name="Created">True when this call created it; false when the journal already had it (your backend restarted).</param>
public sealed record CreateOrResumeResult(JanusSessionInfo Session, bool Created);
