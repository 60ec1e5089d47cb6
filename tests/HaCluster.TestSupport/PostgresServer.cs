using Xunit;

namespace HaCluster.TestSupport;

/// <summary>
/// A real PostgreSQL for the tests: <c>HACLUSTER_TEST_POSTGRES</c> if set, else a throwaway cluster started with
/// initdb/pg_ctl as the <c>postgres</c> user (initdb refuses root) and removed on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string ExternalVariable = "HACLUSTER_TEST_POSTGRES";
    private const string RequireVariable = "HACLUSTER_REQUIRE_PRIVILEGED";
    private static readonly string[] BinDirs = ["/usr/local/bin", "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"];

    private string? dir;
    private string? binDir;
    private string? baseConnectionString;

    public string? SkipReason { get; private set; }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(ExternalVariable) is { Length: > 0 } external)
        {
            baseConnectionString = external;
            return;
        }

        SkipReason = await FindPrerequisitesAsync();
        if (SkipReason is not null)
        {
            if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            {
                throw new InvalidOperationException($"{RequireVariable}=1 but PostgreSQL cannot run: {SkipReason}");
            }

            return;
        }

        await StartClusterAsync();
    }

    /// <summary>A connection string to a database of its own; EF's Migrate creates it.</summary>
    public string NewDatabase()
    {
        Skip.If(SkipReason is not null, SkipReason);
        return $"{baseConnectionString};Database=hc_{Guid.NewGuid():N}";
    }

    public async Task DisposeAsync()
    {
        if (dir is null || binDir is null)
        {
            return;
        }

        await AsPostgres(Path.Combine(binDir, "pg_ctl"), "-D", Path.Combine(dir, "data"), "-m", "immediate", "stop");
        Directory.Delete(dir, recursive: true);
    }

    private async Task<string?> FindPrerequisitesAsync()
    {
        binDir = BinDirs.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        if (binDir is null)
        {
            return "initdb/pg_ctl not found (install the Debian package postgresql)";
        }

        if (!File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser"))
        {
            return "runuser not found";
        }

        if (Environment.UserName != "root")
        {
            return "starting a throwaway cluster needs root (to run initdb as the postgres user)";
        }

        var id = await Cmd.RunAsync("id", "postgres");
        return id.ExitCode == 0 ? null : "there is no 'postgres' OS user (install the Debian package postgresql)";
    }

    private async Task StartClusterAsync()
    {
        dir = Directory.CreateTempSubdirectory("hc-pg-").FullName;
        (await Cmd.RunAsync("chown", "postgres", dir)).EnsureSuccess();
        var data = Path.Combine(dir, "data");
        (await AsPostgres(Path.Combine(binDir!, "initdb"), "-D", data, "-U", "app", "--auth=trust", "-E", "UTF8", "--no-locale"))
            .EnsureSuccess();
        var port = FreePort.Next();
        var options = $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off";
        (await AsPostgres(Path.Combine(binDir!, "pg_ctl"), "-D", data, "-l", Path.Combine(dir, "pg.log"), "-w", "-o", options, "start"))
            .EnsureSuccess();
        baseConnectionString = $"Host=127.0.0.1;Port={port};Username=app";
    }

    private static Task<CommandResult> AsPostgres(string program, params string[] args) =>
        Cmd.RunAsync("runuser", ["-u", "postgres", "--", program, .. args], TimeSpan.FromSeconds(60));
}
