namespace HaCluster.TestSupport;

/// <summary>Linux signal numbers for <see cref="LabProcess.Signal"/>.</summary>
public static class Signals
{
    public const int Hup = 1;
    public const int Int = 2;
    public const int Kill = 9;
    public const int Usr1 = 10;
    public const int Usr2 = 12;
    public const int Term = 15;
    public const int Cont = 18;
    public const int Stop = 19;

    /// <summary>kill(2) to any process (a daemon's child): false if it is gone.</summary>
    public static bool Send(int pid, int signo) => Native.Kill(pid, signo);
}
