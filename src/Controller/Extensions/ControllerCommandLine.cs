using System.CommandLine;

namespace HaCluster.Controller.Extensions;

/// <summary>
/// hacluster-controller's command line (System.CommandLine): serving is the default; <c>migrate</c> applies the
/// database migrations and exits. Anything else — <c>--urls</c>, <c>--Storage:DataDir=DIR</c>, any configuration key —
/// goes to the host's configuration, as ASP.NET Core reads its arguments. Help and version exit 0.
/// </summary>
public static class ControllerCommandLine
{
    /// <param name="run">Runs the controller with the host's arguments; <c>true</c>: migrate only.</param>
    public static Task<int> InvokeAsync(string[] args, Func<string[], bool, Task<int>> run)
    {
        var migrate = new Command("migrate", "apply the database migrations (PostgreSQL or the SQLite file) and exit") { TreatUnmatchedTokensAsErrors = false };
        var root = new RootCommand("hacluster-controller: the HaCluster control plane (REST and gRPC APIs, the agents' link, history, alerts).")
        {
            migrate,
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((result, _) => run([.. result.UnmatchedTokens], false));
        migrate.SetAction((result, _) => run([.. result.UnmatchedTokens], true));
        return root.Parse(args).InvokeAsync();
    }
}
