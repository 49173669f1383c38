using System.Runtime.Serialization;

namespace Janus.Actors;

/// <summary>
/// The base of every exception Janus.Actors raises: catch it to handle any failure of the library in one place, or
/// catch the specific ones (<see cref="Sessions.JanusSessionExistsException"/>, <see cref="Sessions.JanusRequestException"/>, …)
/// where the answer differs.
/// </summary>
public abstract class JanusException : Exception
{
    protected JanusException(string message) : base(message)
    {
    }

    protected JanusException(string message, Exception? inner) : base(message, inner)
    {
    }

    /// <summary>Rebuilds a session's failure that crossed cluster nodes (Akka.Remote reads it through this constructor).</summary>
#pragma warning disable SYSLIB0051
    protected JanusException(SerializationInfo info, StreamingContext context) : base(info, context)
    {
    }
#pragma warning restore SYSLIB0051
}
