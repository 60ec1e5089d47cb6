using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;

namespace HaCluster.Controller.Events;

/// <summary>"Why did it fail over": one transition with its cause in words, the breakdowns on both sides, the revision and its diff, and the events around it.</summary>
public sealed record TransitionWhy(
    FleetEvent Event, string Cause, PriorityParts? Breakdown, IReadOnlyList<PeerAtTransition> Peers, int? Revision, RevisionDiff? RevisionDiff,
    IReadOnlyList<FleetEvent> Around);

/// <summary>Reads one transition's <see cref="TransitionWhy"/> from the history.</summary>
public sealed class TransitionInsight(EventRepository events, GroupService groups)
{
    public static readonly TimeSpan Around = TimeSpan.FromMinutes(1);

    /// <summary>Null when there is no transition of that id.</summary>
    public async Task<TransitionWhy?> WhyAsync(long id, CancellationToken ct)
    {
        if (await events.GetAsync(id, ct) is not { Kind: Shared.Vocabulary.EventKind.Transition } e)
        {
            return null;
        }

        var context = e.Context;
        var nodes = (context?.Peers.Select(p => p.Node) ?? []).Append(e.Node!).Distinct().ToList();
        var around = await events.AroundAsync(nodes, e.Group, e.At - Around, e.At + Around, 200, ct);
        RevisionDiff? diff = null;
        if (e.Group is { } group && context?.Revision is > 1 and var revision)
        {
            diff = await groups.DiffAsync(group, revision - 1, revision, ct);
        }

        var peers = (context?.Peers ?? []).Select(p => Nearest(p, e, around)).ToList();
        return new TransitionWhy(e, TransitionCause.Describe(e), context?.Breakdown, peers, context?.Revision, diff, around);
    }

    /// <summary>
    /// A peer as it was at the transition: the breakdown its own transition of the same instance carried, when it moved
    /// within <see cref="Nearby"/> of this one (a step down answers a takeover within milliseconds), else as the fleet
    /// knew it when this one was stored (its last report: up to a report interval old).
    /// </summary>
    private static PeerAtTransition Nearest(PeerAtTransition peer, FleetEvent e, IReadOnlyList<FleetEvent> around) =>
        around.Where(o => o.Node == peer.Node && o.Instance == e.Instance && o.Kind == Shared.Vocabulary.EventKind.Transition && o.Context?.Breakdown is not null
                && (o.At - e.At).Duration() <= Nearby)
            .MinBy(o => (o.At - e.At).Duration()) is { } moved
            ? peer with { Breakdown = moved.Context!.Breakdown, Priority = moved.Priority }
            : peer;

    public static readonly TimeSpan Nearby = TimeSpan.FromSeconds(5);
}
