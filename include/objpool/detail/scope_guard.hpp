/// @file
/// @brief The one scope guard the pools use to undo a step when what follows it throws.
#pragma once

#include <utility>

namespace objpool::detail {

/// @brief Calls `undo` on scope exit unless dismissed. Works without exceptions too, where it
/// is always dismissed.
template <class Undo>
class UndoUnlessDismissed {
public:
    explicit UndoUnlessDismissed(Undo undo) noexcept : undo_(std::move(undo)) {}
    UndoUnlessDismissed(const UndoUnlessDismissed&) = delete;
    UndoUnlessDismissed& operator=(const UndoUnlessDismissed&) = delete;
    ~UndoUnlessDismissed() {
        if (armed_) {
            undo_();
        }
    }

    /// The step succeeded: nothing to undo.
    void dismiss() noexcept { armed_ = false; }

private:
    Undo undo_;
    bool armed_ = true;
};

}  // namespace objpool::detail
