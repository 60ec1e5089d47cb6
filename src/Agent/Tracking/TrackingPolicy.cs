using HaCluster.Shared.Config;

namespace HaCluster.Agent.Tracking;

/// <summary>The current result of one tracked object as one instance weighs it; <paramref name="Known"/>: it has one yet.</summary>
public readonly record struct TrackInput(TrackKind Kind, bool Ok, int Value, int Weight, bool Reverse, bool Known = true);

/// <summary>
/// What tracking does to an instance: the priority adjustment, whether it is in FAULT, and whether it must wait before
/// the election because a weight-0 object has no result yet (keepalived's scripts in INIT).
/// </summary>
public readonly record struct TrackingResult(int Delta, bool Fault, bool Pending);

/// <summary>keepalived's tracking arithmetic, pure: what the tracked objects do to an instance's priority.</summary>
public static class TrackingPolicy
{
    private const int FaultBelow = -254;

    /// <summary>
    /// The sum of weight adjustments, whether a weight-0 object (or a huge negative one) faults the instance, and
    /// whether a weight-0 object without a result yet holds it. An object without a result adjusts nothing.
    /// </summary>
    public static TrackingResult Evaluate(IEnumerable<TrackInput> inputs)
    {
        var delta = 0;
        var fault = false;
        var pending = false;
        foreach (var input in inputs)
        {
            if (!input.Known)
            {
                pending |= input.Weight == 0;
                continue;
            }

            var (adjust, faults) = Adjust(input);
            delta += adjust;
            fault |= faults;
        }

        return new TrackingResult(delta, fault, pending);
    }

    /// <summary>What one object with a result does: its adjustment and whether it faults the instance.</summary>
    public static (int Delta, bool Faults) Adjust(TrackInput input) => input.Kind == TrackKind.File ? FileAdjust(input) : StatusAdjust(input);

    /// <summary>Base plus adjustments, within 1..254; an address owner's 255 never moves, and nothing moves to 255.</summary>
    public static byte EffectivePriority(byte basePriority, int delta) =>
        basePriority == 255 ? (byte)255 : (byte)Math.Clamp(basePriority + delta, 1, 254);

    /// <summary>
    /// Scripts and interfaces: weight 0 faults on failure; a positive weight is added while OK, a negative one while
    /// failing; <c>reverse</c> turns the adjustment around (and, at weight 0, faults while OK).
    /// </summary>
    private static (int, bool) StatusAdjust(TrackInput input)
    {
        if (input.Weight == 0)
        {
            return (0, input.Ok == input.Reverse);
        }

        var adjust = input.Weight > 0 ? (input.Ok ? input.Weight : 0) : (input.Ok ? 0 : input.Weight);
        return (input.Reverse ? -adjust : adjust, false);
    }

    /// <summary>Files: value × weight; at weight 0 any non-zero value faults; −254 or less faults too.</summary>
    private static (int, bool) FileAdjust(TrackInput input)
    {
        if (input.Weight == 0)
        {
            return (0, input.Value != 0);
        }

        var adjust = (long)input.Value * input.Weight * (input.Reverse ? -1 : 1);
        return adjust <= FaultBelow ? (0, true) : ((int)Math.Min(adjust, 254), false);
    }
}
