using System.Collections.Concurrent;
using HaCluster.Controller.Pki;

namespace HaCluster.Controller.Agents;

/// <summary>
/// The connected agents by node name; a node that connects again replaces (and ends) its older session, and a session
/// whose certificate is revoked is ended at once.
/// </summary>
public sealed class AgentSessions
{
    private readonly ConcurrentDictionary<string, AgentSession> _sessions = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    public AgentSessions(Revocations revocations, ILogger<AgentSessions> logger)
    {
        _logger = logger;
        revocations.Revoked += Revoked;
    }

    public int Count => _sessions.Count;

    public AgentSession? Get(string node) => _sessions.GetValueOrDefault(node);

    /// <returns>The session it replaced, already told to close.</returns>
    public AgentSession? Open(AgentSession session)
    {
        AgentSession? replaced = null;
        _sessions.AddOrUpdate(session.Node, session, (_, old) =>
        {
            replaced = old;
            return session;
        });
        replaced?.Close();
        return replaced;
    }

    /// <summary>Removes the session if it is still the node's current one.</summary>
    public bool Close(AgentSession session) => _sessions.TryRemove(KeyValuePair.Create(session.Node, session));

    private void Revoked(IReadOnlyList<(string Serial, string Name)> certificates)
    {
        foreach (var (serial, name) in certificates)
        {
            if (_sessions.TryGetValue(name, out var session) && session.Holds(serial))
            {
                AgentsLog.StreamCutRevoked(_logger, name, session.Peer, serial);
                session.Refuse($"the certificate of agent {name} (serial {serial}) is revoked");
            }
        }
    }
}
