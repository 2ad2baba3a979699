namespace Workbook.AutoML;

/// <summary>A trainable whose full-budget configurations can be compared product by product on the same validation data.</summary>
internal interface IPairedValidation
{
    IReadOnlyList<F1Counts> ValidationCounts(ParameterSet parameters, CancellationToken cancellation);
}

/// <summary>What an experiment hands on for refitting: the winning trial, or the default when the win is not convincing.</summary>
internal sealed record Selection(ParameterSet Parameters, TrialRecord? BestTrial, bool IsDefault, double? ProbabilityBetterThanDefault, string Reason);

/// <summary>
/// Picks the configuration to refit. The best validation score over many trials is biased upwards (the maximum of
/// noisy scores), so on a space whose default is already tuned the "winner" is often the default plus luck. The
/// best trial replaces the default only when a paired bootstrap on the validation products says it is better with
/// probability at least <see cref="RequiredConfidence"/>; trainables without paired scores take the best trial.
/// Under the experiment's <paramref name="constraints"/> only feasible trials compete (<see cref="Leaderboard.Rank"/>),
/// and a default whose own full-budget trial breaks them is no fallback: the best feasible trial is selected.
/// </summary>
internal static class ConfigurationSelection
{
    public const double RequiredConfidence = 0.95;

    public static Selection Choose(ITrainable trainable, IReadOnlyList<TrialRecord> trials, CancellationToken cancellation = default, string constraints = "")
    {
        var best = Leaderboard.Best(trials, constraints);
        var defaults = trainable.Defaults;
        if (best is null)
            return new Selection(defaults, null, true, null, constraints.Length > 0
                ? $"no completed full-budget trial meets {constraints}: the default"
                : "no completed full-budget trial: the default");
        var parameters = trainable.Space.Parse(best.ParamsJson);
        if (parameters.Equals(defaults)) return new Selection(defaults, best, true, null, $"trial {best.Number} is the default");
        var infeasibleDefault = Leaderboard.Infeasible(trials, constraints).FirstOrDefault(x => trainable.Space.Parse(x.Trial.ParamsJson).Equals(defaults));
        if (infeasibleDefault.Trial is not null)
            return new Selection(parameters, best, false, null,
                $"the default (trial {infeasibleDefault.Trial.Number}) breaks the constraints ({infeasibleDefault.Violations}): best feasible trial {best.Number}");
        if (trainable is not IPairedValidation paired) return new Selection(parameters, best, false, null, $"best trial {best.Number}");
        var p = PairedBootstrap.ProbabilityBetter(paired.ValidationCounts(parameters, cancellation), paired.ValidationCounts(defaults, cancellation));
        return p >= RequiredConfidence
            ? new Selection(parameters, best, false, p, $"trial {best.Number} beats the default in {p:P0} of bootstrap resamples")
            : new Selection(defaults, best, true, p, $"trial {best.Number} beats the default in only {p:P0} of bootstrap resamples (< {RequiredConfidence:P0}): the default");
    }
}
