using Workbook.AutoML.Tuners;

namespace Workbook.AutoML;

/// <summary>A worker's answer to "what is the next trial?" given every trial the store holds, asked under the experiment's lock.</summary>
internal abstract record Proposal
{
    public sealed record Run(int Number, TrialRequest Request) : Proposal;
    /// <summary>The tuner needs a result that another worker has not reported yet.</summary>
    public sealed record Wait(string Reason) : Proposal;
    public sealed record Done(string Reason) : Proposal;
}

internal interface ITrialProposer
{
    Proposal Next(IReadOnlyList<TrialRecord> trials, int maxTrials);
}

internal static class TrialProposers
{
    public static ITrialProposer Create(string experiment, string tuner, SearchSpace space, int seed, ParameterSet? defaults) =>
        TunerFactory.Create(tuner, space, seed, defaults) switch
        {
            AsyncHalvingTuner asha => new AsyncHalvingProposer(asha),
            var sequential => new ReplayProposer(experiment, sequential),
        };
}

/// <summary>ASHA decides from the store's trials directly, pending ones included: it never waits for another worker.</summary>
internal sealed class AsyncHalvingProposer(AsyncHalvingTuner tuner) : ITrialProposer
{
    public Proposal Next(IReadOnlyList<TrialRecord> trials, int maxTrials)
    {
        var number = trials.Count == 0 ? 1 : trials[^1].Number + 1;
        return number > maxTrials ? new Proposal.Done($"trial budget ({maxTrials}) reached") : new Proposal.Run(number, tuner.Next(trials));
    }
}

/// <summary>
/// An ask/tell tuner replayed on the store's trials in number order, exactly as one process runs it: a proposal that
/// repeats an evaluated configuration at the same budget is told that result instead of becoming a trial, and every
/// stored trial must be what the tuner proposes at its number (else the code changed). The tuner's state is kept
/// between calls and only the trials it has not seen are replayed. A trial still running elsewhere blocks a tuner
/// that learns from results (cost-frugal search, synchronous halving): the worker waits for it. Random search
/// ignores results, so it passes running trials and hands out the next ones at once.
/// </summary>
internal sealed class ReplayProposer(string experiment, ITuner tuner) : ITrialProposer
{
    private readonly Dictionary<(string, double), TrialMetrics?> _seen = [];
    private TrialRequest? _asked; // the tuner's last proposal, not yet told (an Ask is not always repeatable)
    private int _consumed;        // trials 1.._consumed are behind the tuner
    private int _duplicates;

    public Proposal Next(IReadOnlyList<TrialRecord> trials, int maxTrials)
    {
        var byNumber = trials.ToDictionary(t => t.Number);
        while (true)
        {
            var number = _consumed + 1;
            if (number > maxTrials) return new Proposal.Done($"trial budget ({maxTrials}) reached");
            var request = _asked ??= tuner.Ask();
            if (request is null) return new Proposal.Done("tuner finished");
            var key = (request.Parameters.Json, request.Budget);

            // Identical configuration at the same budget: reuse the result rather than spend a trial on it.
            if (_seen.TryGetValue(key, out var cached))
            {
                tuner.Tell(request, cached);
                _asked = null;
                if (++_duplicates >= AutoMLExperiment.MaxConsecutiveDuplicates) return new Proposal.Done("tuner keeps proposing evaluated configurations");
                continue;
            }
            _duplicates = 0;

            if (!byNumber.TryGetValue(number, out var stored)) return new Proposal.Run(number, request);
            if (stored.ParamsJson != request.Parameters.Json || stored.Budget != request.Budget)
                throw new ExperimentStoreException(
                    $"Experiment '{experiment}' trial {number} stored {stored.ParamsJson} at budget {stored.Budget}, but the tuner now proposes " +
                    $"{request.Parameters.Json} at budget {request.Budget}: the code changed since the experiment ran. Start a new experiment.");
            if (stored.Status is TrialStatus.Completed or TrialStatus.Failed)
            {
                tuner.Tell(request, stored.Metrics);
                _seen[key] = stored.Metrics;
            }
            else if (tuner.UsesResults) return new Proposal.Wait($"{tuner.Name} needs the result of trial {number} before it proposes another");
            else _seen[key] = null; // (its result does not matter to this tuner; a repeat of it is not run again)
            _asked = null;
            _consumed++;
        }
    }
}
