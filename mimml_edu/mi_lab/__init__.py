"""Chapter 05's laboratory: MI estimators tested where the truth is known.

Nothing here trains MIMML (that is :mod:`mimml_edu.objectives`); this is the bench on
which the estimators of :mod:`mimml_edu.objectives.mi` are compared:

* :mod:`mimml_edu.mi_lab.gaussian`: correlated Gaussians with a known MI, the optimal
  critic, the true conditional and CLUB's closed form.
* :mod:`mimml_edu.mi_lab.staircase`: training an estimator through the MI staircase
  (2, 4, 6, 8, 10 nats).
* :mod:`mimml_edu.mi_lab.optimal_critics`: each estimator's own bias and variance with the
  optimal critic (no training).
"""
