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
    public sealed record Report(string Target, long Inputs, TimeSpan Took)
    {
        public double PerSecond => Inputs / Math.Max(Took.TotalSeconds, 0.001);

        public override string ToString() => $"fuzz {Target}: {Inputs} inputs in {Took.TotalSeconds:0.0} s ({PerSecond:0}/s)";
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
