// Stand-ins for the few androidx.lifecycle declarations the INTEGRATING.md sample uses, so it
// compiles on the JVM here (there is no Android SDK). Same names and shapes as androidx's;
// compile-only, never run, never shipped.
package androidx.lifecycle

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.GlobalScope

interface LifecycleOwner

interface DefaultLifecycleObserver {
    fun onStart(owner: LifecycleOwner) {}
    fun onStop(owner: LifecycleOwner) {}
}

abstract class Lifecycle {
    abstract fun addObserver(observer: DefaultLifecycleObserver)
}

class ProcessLifecycleOwner private constructor() : LifecycleOwner {
    val lifecycle: Lifecycle = object : Lifecycle() {
        override fun addObserver(observer: DefaultLifecycleObserver) {}
    }

    companion object {
        fun get(): ProcessLifecycleOwner = ProcessLifecycleOwner()
    }
}

abstract class ViewModel {
    protected open fun onCleared() {}
}

val ViewModel.viewModelScope: CoroutineScope
    get() = GlobalScope
