package dev.lockstep.refmodel.cache;

import dev.lockstep.refmodel.testsupport.TestSystem;

/** The caching-model cases of {@link CachingModelTest} over the full translation process. */
class CachingModelProcessTest extends CachingModelTest {
    @Override
    protected TestSystem newSystem() { return TestSystem.withProcess(); }
}
