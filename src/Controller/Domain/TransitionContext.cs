using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Domain;

/// <summary>What an instance's effective priority was made of: the configured priority and each tracked object's part.</summary>
public sealed record PriorityParts(int BasePriority, int EffectivePriority, bool Maintenance, bool Fault, IReadOnlyList<TrackShare> Tracks)
{
    public const int MaxTracks = 64;
}

/// <summary>One tracked object: kind (script, interface, file), name, weight, its state (ok, failed, unknown) and what it added.</summary>
public sealed record TrackShare(string Kind, string Name, int Weight, bool Reverse, string State, int Value, int Delta, bool Faults);

/// <summary>
/// Why a transition happened, as far as the fleet knew when it was stored: the moving node's priority breakdown, the
/// group's config revision that node ran, and the other members then (state, priority, breakdown, whether stale).
/// </summary>
public sealed record TransitionContext(PriorityParts? Breakdown, int? Revision, IReadOnlyList<PeerAtTransition> Peers);

/// <summary>Another member of the group (or a node running the same instance) when a transition was stored.</summary>
public sealed record PeerAtTransition(string Node, VrrpState? State, int? Priority, bool Stale, bool Connected, PriorityParts? Breakdown);
