using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using CsCheck;

namespace HaCluster.TestSupport;

/// <summary>
/// The fuzz harness every target runs on: CsCheck draws (and on a failure shrinks) the inputs; each input is checked
/// on a worker with a time bound, so a hang fails as surely as an exception; any failing input is kept as a file
/// (<see cref="FailureDirectory"/>) for the closing note and a regression test. Bounded in time, never in luck:
/// <c>HACLUSTER_FUZZ_SECONDS</c> scales every target's time (0.5 halves it, 10 for a long local run).
/// </summary>
public static class Fuzz
{
    private const int KeptPerTarget = 5;
    private static int _kept;

    /// <summary>Where failing inputs are kept: <c>HACLUSTER_FUZZ_DIR</c>, else artifacts/fuzz under the temp directory.</summary>
    public static string FailureDirectory { get; } =
        Environment.GetEnvironmentVariable("HACLUSTER_FUZZ_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "hacluster-fuzz");

    /// <summary>What one run did: how many inputs, in how long.</summary>
    public sealed record Report(string Target, long Inputs, TimeSpan Took, string? Note = null)
    {
        public double PerSecond => Inputs / Math.Max(Took.TotalSeconds, 0.001);

        public override string ToString() => $"fuzz {Target}: {Inputs} inputs in {Took.TotalSeconds:0.0} s ({PerSecond:0}/s){(Note is null ? "" : "; " + Note)}";
    }

    /// <summary>
    /// Checks inputs drawn from <paramref name="gen"/> for <paramref name="seconds"/> (scaled); an input that throws or
    /// takes longer than <paramref name="perInput"/> is kept as <c>TARGET-HASH.EXT</c> and fails the run (CsCheck then
    /// shrinks it and reports the smallest failing input with its seed).
    /// </summary>
    public static Report Run<T>(string target, Gen<T> gen, Func<T, byte[]> bytes, string extension, Action<T> check, double seconds, TimeSpan perInput)
    {
        long inputs = 0;
        var clock = Stopwatch.StartNew();
        gen.Sample(input =>
        {
            Interlocked.Increment(ref inputs);
            var work = Task.Factory.StartNew(() => check(input), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            bool finished;
            try
            {
                finished = work.Wait(perInput);
            }
            catch (AggregateException e) when (e.InnerException is { } inner)
            {
                Keep(target, bytes(input), extension, inner.GetType().Name);
                ExceptionDispatchInfo.Capture(inner).Throw();
                throw;
            }

            if (!finished)
            {
                var kept = Keep(target, bytes(input), extension, "hang");
                throw new TimeoutException($"{target}: an input took longer than {perInput.TotalSeconds:0.#} s (kept as {kept})");
            }
        }, iter: long.MaxValue, time: Math.Max(1, (int)Math.Round(seconds * Scale)), threads: 1, print: input => $"{bytes(input).Length} bytes");
        return new Report(target, inputs, clock.Elapsed);
    }

    /// <summary>
    /// Checks that the work grows no faster than its input: each drawn input is grown to <paramref name="atScale"/>(1)
    /// and (<see cref="ScalingFactor"/>), each timed on this thread's CPU clock after a full collection (the least of
    /// three, after one warm-up; over the limit, the least of five again before it fails). The larger may cost at most
    /// <see cref="ScalingLimit"/> times the smaller: linear work costs 32×, quadratic 1,024×, so the limit sits 8× above
    /// the one and 4× below the other. (At 8× and a limit of 32×, the first version, a shared machine's noise made a
    /// linear input fail once, at 32.9×, and hid its own quadratic self-test once in five.) Below
    /// <see cref="ScalingFloor"/> nothing is judged: fixed costs dominate. A failing input is kept at its larger size, as
    /// <c>TARGET-scaling-SuperLinearTimeException-HASH.EXT</c>.
    /// </summary>
    public static Report RunScaling<T>(string target, Gen<T> gen, Func<T, int, (byte[] Input, Action Work)> atScale, string extension, double seconds)
    {
        var ratios = new ConcurrentQueue<double>();
        var report = Run($"{target}-scaling", gen, input => atScale(input, ScalingFactor).Input, extension, input =>
        {
            var (_, small) = atScale(input, 1);
            var (_, large) = atScale(input, ScalingFactor);
            small();
            // Judged twice before it fails: a shared machine may slow the smaller input's every try once.
            for (var attempt = 1; ; attempt++)
            {
                var (smallCost, largeCost) = (Least(small, 1 + (2 * attempt)), Least(large, 1 + (2 * attempt)));
                var ratio = (double)largeCost.Ticks / Math.Max(smallCost.Ticks, ScalingFloor.Ticks / ScalingLimit);
                if (largeCost < ScalingFloor || ratio <= ScalingLimit)
                {
                    if (largeCost >= ScalingFloor)
                    {
                        ratios.Enqueue(ratio);
                    }

                    return;
                }

                if (attempt == 2)
                {
                    throw new SuperLinearTimeException(
                        $"{target}: {ScalingFactor}× the input took {largeCost.TotalMilliseconds:0.0} ms against {smallCost.TotalMilliseconds:0.0} ms ({ratio:0}×, at most {ScalingLimit}×)");
                }
            }
        }, seconds, TimeSpan.FromSeconds(60));
        var judged = ratios.Order().ToList();
        return report with
        {
            Note = judged.Count == 0 ? "none large enough to judge" : $"{judged.Count} judged, cost ratio median {judged[judged.Count / 2]:0}×, highest {judged[^1]:0}× (limit {ScalingLimit}×)",
        };
    }

    /// <summary>How much larger the second input of a scaling check is.</summary>
    public const int ScalingFactor = 32;

    /// <summary>How much more the larger input may cost: n·log n costs about 48×, n^1.6 256×, n² 1,024×.</summary>
    public const int ScalingLimit = 256;

    /// <summary>A larger input that costs less than this is not judged.</summary>
    public static readonly TimeSpan ScalingFloor = TimeSpan.FromMilliseconds(20);

    /// <summary>What the process may allocate while one input is timed without a collection (beyond it, one runs).</summary>
    private const long NoGcBudget = 1L << 30;

    private static TimeSpan Least(Action work, int tries)
    {
        var least = TimeSpan.MaxValue;
        for (var i = 0; i < tries; i++)
        {
            // Garbage of earlier work is not this work's cost, and no collection runs during it: a larger input's live
            // data is copied by more of them (the loader's linear shapes measured up to 144× at 32× with collections,
            // against a limit of 256×). What is left is the algorithm's own cost.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var quiet = GC.TryStartNoGCRegion(NoGcBudget);
            var before = Native.ThreadCpuTime();
            try
            {
                work();
            }
            finally
            {
                var cost = Native.ThreadCpuTime() - before;
                least = cost < least ? cost : least;
                if (quiet && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
                {
                    GC.EndNoGCRegion();
                }
            }
        }

        return least;
    }

    /// <summary>An input whose cost grew faster than the input did.</summary>
    public sealed class SuperLinearTimeException(string message) : Exception(message);

    private static double Scale =>
        double.TryParse(Environment.GetEnvironmentVariable("HACLUSTER_FUZZ_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var scale) && scale > 0 ? scale : 1;

    private static string Keep(string target, byte[] input, string extension, string what)
    {
        var name = $"{target}-{what}-{Convert.ToHexStringLower(SHA256.HashData(input))[..16]}.{extension}";
        var path = Path.Combine(FailureDirectory, name);
        if (Interlocked.Increment(ref _kept) <= KeptPerTarget * 4)
        {
            Directory.CreateDirectory(FailureDirectory);
            File.WriteAllBytes(path, input);
        }

        return path;
    }
}
