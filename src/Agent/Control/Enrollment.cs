using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Shared.Tls;

namespace HaCluster.Agent.Control;

/// <summary>
/// <c>hacluster-agent enroll</c>: the agent makes its key here (it never leaves the host), reads the controller's CA over an
/// unverified connection and compares it with the hash the token pins — a mismatch ends it before the token is sent — then,
/// over a connection verified against that CA, redeems the token for a certificate of its node and stores it.
/// </summary>
public static class Enrollment
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>0 when enrolled; 1 (and why, on <paramref name="errors"/>) when not.</summary>
    public static async Task<int> RunAsync(Uri controller, JoinToken token, string node, string stateDir, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        var at = ControllerAddress.Display(controller);
        try
        {
            if (StateDirectory.Problem(stateDir) is { } problem)
            {
                return Fail(errors, $"--state-dir {stateDir}: {problem}");
            }

            X509Certificate2 ca;
            using (var discovery = ControllerAddress.OpenChannel(controller, ControllerTls.Discovery))
            {
                var shown = await new Contracts.Enrollment.EnrollmentClient(discovery).GetCaAsync(new GetCaRequest(), deadline: Deadline(), cancellationToken: ct);
                ca = X509Certificate2.CreateFromPem(shown.Pem);
            }

            if (!CaPin.Matches(ca, token.CaHash))
            {
                return Fail(errors, $"the controller at {at} shows a CA with hash {CaPin.Of(ca)}, but the token pins {token.CaHash}: "
                    + "this is not the controller the token is from (or someone answers in its place); the token was not sent");
            }

            var request = AgentIdentity.NewRequest(node);
            using var key = request.Key;
            EnrollReply reply;
            using (var verified = ControllerAddress.OpenChannel(controller, ControllerTls.Trusting(ca)))
            {
                reply = await new Contracts.Enrollment.EnrollmentClient(verified).EnrollAsync(
                    new EnrollRequest { Token = token.ToString(), Node = node, CsrPem = request.CsrPem }, deadline: Deadline(), cancellationToken: ct);
            }

            var certificate = X509Certificate2.CreateFromPem(reply.CertificatePem);
            if (AgentIdentity.Check(certificate, key, ca, node) is { } wrong)
            {
                return Fail(errors, $"the controller at {at} answered with an unusable certificate: {wrong}");
            }

            AgentIdentity.Store(stateDir, certificate, key, ca);
            output.WriteLine($"hacluster-agent: enrolled as node {node} at {at}; certificate valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}, "
                + $"renewed over the link; stored in {Path.Combine(stateDir, AgentIdentity.IdentityFile)}");
            return 0;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            return Fail(errors, $"cannot reach the controller at {at}: {e.Status.Detail}");
        }
        catch (RpcException e)
        {
            return Fail(errors, $"the controller at {at} refused: {e.Status.Detail}");
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Fail(errors, $"the controller at {at} answered with something unusable: {e.Message}");
        }
    }

    private static DateTime Deadline() => DateTime.UtcNow + CallTimeout;

    private static int Fail(TextWriter errors, string why)
    {
        errors.WriteLine($"hacluster-agent: not enrolled: {why}");
        return 1;
    }
}
