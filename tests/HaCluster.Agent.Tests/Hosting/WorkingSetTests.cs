using HaCluster.Agent.Hosting;

namespace HaCluster.Agent.Tests.Hosting;

public class WorkingSetTests
{
    // Trimmed from a NativeAOT agent's /proc/PID/smaps: its code, its read-only data, the RELRO page (read-only but
    // holding relocated, copied-on-write pages), its writable data, the rehydrated type data (anonymous), a shared
    // library's code, a locked mapping, a deleted file, a mapping never touched, a shared mapping, the JIT's
    // double-mapped code (memfd), a device, and the vDSO.
    private const string Smaps = """
        55f2c6893000-55f2c68a7000 r--p 00000000 08:01 4242 /opt/hacluster/hacluster-agent
        Size:                 80 kB
        Rss:                  80 kB
        Anonymous:             0 kB
        Locked:                0 kB
        VmFlags: rd mr mw me dw sd
        55f2c68a7000-55f2c6dc2000 r-xp 00014000 08:01 4242 /opt/hacluster/hacluster-agent
        Size:               5228 kB
        Rss:                4196 kB
        Anonymous:             0 kB
        Locked:                0 kB
        VmFlags: rd ex mr mw me dw sd
        55f2c6dc2000-55f2c708a000 r--p 0052f000 08:01 4242 /opt/hacluster/hacluster-agent
        Size:               2848 kB
        Rss:                2528 kB
        Anonymous:             0 kB
        Locked:                0 kB
        55f2c708a000-55f2c708b000 r--p 009f4000 08:01 4242 /opt/hacluster/hacluster-agent
        Size:                  4 kB
        Rss:                   4 kB
        Anonymous:             4 kB
        Locked:                0 kB
        55f2c728a000-55f2c72ae000 rw-p 009f6000 08:01 4242 /opt/hacluster/hacluster-agent
        Size:                144 kB
        Rss:                 144 kB
        Anonymous:           144 kB
        Locked:                0 kB
        55f2c72ae000-55f2c755f000 rw-p 00000000 00:00 0
        Size:               2756 kB
        Rss:                2668 kB
        Anonymous:          2668 kB
        7f8f45a2e000-7f8f45b84000 r-xp 00026000 08:01 777 /usr/lib/x86_64-linux-gnu/libc.so.6
        Size:               1368 kB
        Rss:                1096 kB
        Anonymous:             0 kB
        Locked:                0 kB
        7f8f45c00000-7f8f45c10000 r-xp 00000000 08:01 778 /usr/lib/locked.so
        Size:                 64 kB
        Rss:                  64 kB
        Anonymous:             0 kB
        Locked:               64 kB
        7f8f45d00000-7f8f45d10000 r-xp 00000000 08:01 779 /tmp/old agent (deleted)
        Size:                 64 kB
        Rss:                  64 kB
        Anonymous:             0 kB
        Locked:                0 kB
        7f8f45e00000-7f8f45e10000 r--p 00000000 08:01 780 /usr/lib/never-touched.so
        Size:                 64 kB
        Rss:                   0 kB
        Anonymous:             0 kB
        Locked:                0 kB
        7f8f46000000-7f8f46010000 r-xs 00000000 00:01 781 /usr/lib/shared-mapping.bin
        Size:                 64 kB
        Rss:                  64 kB
        Anonymous:             0 kB
        Locked:                0 kB
        7f8f46100000-7f8f46110000 r-xs 00000000 00:01 782 /memfd:doublemapper (deleted)
        Size:                 64 kB
        Rss:                  64 kB
        Anonymous:             0 kB
        Locked:                0 kB
        7f8f46200000-7f8f46210000 r--p 00000000 00:06 783 /dev/dri/card0
        Size:                 64 kB
        Rss:                  64 kB
        Anonymous:             0 kB
        Locked:                0 kB
        7ffd5ee09000-7ffd5ee0b000 r-xp 00000000 00:00 0                          [vdso]
        Size:                  8 kB
        Rss:                   4 kB
        Anonymous:             0 kB
        Locked:                0 kB
        """;

    [Fact]
    public void Droppable_OnlyCleanReadOnlyFilePages_NeverWritableCopiedLockedDeletedOrSpecial()
    {
        var droppable = WorkingSet.Droppable(Smaps);

        Assert.Equal(
            [
                (0x55f2c6893000UL, 0x55f2c68a7000UL, 80L),
                (0x55f2c68a7000UL, 0x55f2c6dc2000UL, 4196L),
                (0x55f2c6dc2000UL, 0x55f2c708a000UL, 2528L),
                (0x7f8f45a2e000UL, 0x7f8f45b84000UL, 1096L),
            ],
            droppable.Select(m => (m.Start, m.End, m.ResidentKiB)));
        Assert.Equal("/usr/lib/x86_64-linux-gnu/libc.so.6", droppable[^1].Path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Rss: 4 kB\nAnonymous: 0 kB\n")] // fields before any header
    [InlineData("zz-55 r-xp 0 0 0 /x\nRss: 4 kB\n")] // not hex
    [InlineData("1000-2000 r-xp 00000000 08:01 1 /x\nRss: lots\n")] // unreadable size: not resident as far as we know
    public void Droppable_MalformedText_NothingDropped(string smaps) => Assert.Empty(WorkingSet.Droppable(smaps));

    [Fact]
    public void TrimFileMappings_InThisProcess_DropsPagesAndEverythingStillRuns()
    {
        var table = Enumerable.Range(0, 100_000).Select(i => i * 7).ToArray(); // anonymous memory: must survive
        var before = Resident();

        var trimmed = WorkingSet.TrimFileMappings();

        Assert.True(trimmed > 0, "this process maps code of its own and of the runtime; some of it must be resident");
        Assert.True(Resident() < before, $"resident {Resident()} KiB after trimming {trimmed} KiB, {before} KiB before");
        Assert.Equal(700_000L * 99_999 / 2, table.Sum(v => (long)v)); // the code runs again, the data is intact
        Assert.Equal("still here", string.Join(' ', "still", "here"));
    }

    private static long Resident() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}
